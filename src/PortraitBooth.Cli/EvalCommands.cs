using System.CommandLine;
using PortraitBooth.Inference.Evaluation;
using PortraitBooth.Inference.Faces;
using PortraitBooth.Inference.Packs;
using PortraitBooth.Inference.Sampling;
using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Cli;

/// <summary>
/// <c>portraitbooth eval score</c>: identity (and expression) scores of existing images against reference photos.
/// <c>portraitbooth eval run</c>: generates the evaluation prompts with and without identity on a pack, then scores them.
/// </summary>
public static class EvalCommands
{
    public static Command Create()
    {
        var eval = new Command("eval", "The paper's evaluation protocol: identity similarity, multi-subject matching, expressions.");
        eval.Subcommands.Add(ScoreCommand());
        eval.Subcommands.Add(RunCommand());
        return eval;
    }

    private static Option<bool> Multi() => new("--multi") { Description = "Several subjects per image: greedy matching, score = the minimum matched similarity." };
    private static Option<bool> Expression() => new("--expression") { Description = "Also score the asked expression (the classifier's probability of it)." };

    private static Command ScoreCommand()
    {
        var images = new Option<string>("--images") { Description = $"Folder of images with an {EvaluationManifest.FileName} naming each image's references.", Required = true };
        var refs = new Option<string>("--refs") { Description = "Folder the references in images.tsv are relative to.", Required = true };
        var (multi, expression) = (Multi(), Expression());
        var command = new Command("score", "Scores existing images against reference photos; prints a markdown table per category.")
        {
            images, refs, multi, expression,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var (imagesDirectory, isMulti, withExpression) = (parse.GetValue(images)!, parse.GetValue(multi), parse.GetValue(expression));
            var items = EvaluationManifest.Read(imagesDirectory);
            using var models = FaceModels.Open(ModelLocations.EnsureFaceModels());
            var scoring = new ReferenceScoring(new PortraitScorer(new FaceAnalyzer(models)), parse.GetValue(refs)!);
            Console.Write(EvaluationReport.ForScores(scoring.ScoreFolder(imagesDirectory, items, isMulti, withExpression), isMulti, withExpression));
            return 0;
        }));
        return command;
    }

    private static Command RunCommand()
    {
        var pack = CommonOptions.Pack();
        var device = CommonOptions.Device();
        var identities = new Option<string>("--identities") { Description = "Folder of <person>/<n>.jpg with a manifest.tsv giving each person's gender (F/M → woman/man).", Required = true };
        var prompts = new Option<string>("--prompts") { Description = "A prompt file like ../shared/eval/prompts-*.txt (category<TAB>prompt with {C} or {S}).", Required = true };
        var (multi, expression) = (Multi(), Expression());
        var limit = new Option<int?>("--limit") { Description = "Only the first N prompts." };
        var people = new Option<int?>("--people") { Description = "Only the first N people (in name order)." };
        var steps = new Option<int?>("--steps") { Description = "Denoising steps (1-150; default: the pack's)." };
        var guidance = new Option<float?>("--guidance") { Description = "Classifier-free guidance scale (0-30; default: the pack's)." };
        var size = new Option<int?>("--size") { Description = "Image width and height (default: the pack's)." };
        var width = new Option<int?>("--width") { Description = "Image width, e.g. 256 for two people side by side (default: --size, else the pack's)." };
        var height = new Option<int?>("--height") { Description = "Image height (default: --size, else the pack's)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first sample; sample k uses seed + k.", DefaultValueFactory = _ => 1 };
        var seeds = new Option<int>("--seeds") { Description = $"Samples per prompt and subject, each with its own seed (1-{EvaluationSettings.MaxSeeds}).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "eval-out" };
        var command = new Command("run", "Generates the evaluation prompts with identity and text-only, scores both against each person's held-back photo; writes report.md and contact-sheet.png.")
        {
            pack, device, identities, prompts, multi, expression, limit, people, steps, guidance, size, width, height, seed, seeds, output,
        };
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() =>
        {
            if (parse.GetValue(limit) is < 1 || parse.GetValue(people) is < 1) throw new UsageException("--limit and --people must be at least 1");
            if (parse.GetValue(seeds) is < 1 or > EvaluationSettings.MaxSeeds) throw new UsageException($"--seeds must be 1-{EvaluationSettings.MaxSeeds}");
            if (parse.GetValue(size) is not null && (parse.GetValue(width) is not null || parse.GetValue(height) is not null))
                throw new UsageException("give --size, or --width and --height, not both");
            var execution = CommonOptions.Execution(parse.GetValue(device));
            using var opened = ModelPack.Open(parse.GetValue(pack) ?? ModelLocations.EnsurePack(PackKind.Tiny), execution);
            var chosen = opened.Manifest.SamplingDefaults.Fill(parse.GetValue(steps), parse.GetValue(guidance),
                parse.GetValue(width) ?? parse.GetValue(size), parse.GetValue(height) ?? parse.GetValue(size));
            var settings = new EvaluationSettings(chosen.Steps, chosen.Width, chosen.Height, chosen.Guidance, parse.GetValue(seed),
                parse.GetValue(multi), parse.GetValue(expression), parse.GetValue(limit), parse.GetValue(people), parse.GetValue(seeds));
            RequestLimits.Check(new GenerationRequest { Prompt = "", Steps = settings.Steps, Guidance = settings.Guidance, Width = settings.Width, Height = settings.Height }, opened.Manifest);
            using var models = FaceModels.Open(ModelLocations.EnsureFaceModels(), execution);
            var analyzer = new FaceAnalyzer(models);
            var runner = new EvaluationRunner(new PortraitPipeline(opened, PackTokenizer.Create(opened)),
                new FaceEmbedder(opened, new AlignedFaceInput(analyzer)), new PortraitScorer(analyzer));
            var result = runner.Run(parse.GetValue(identities)!, parse.GetValue(prompts)!, settings, parse.GetValue(output)!,
                Console.Error.WriteLine, cancellationToken);
            Console.Write(result.Report);
            Console.WriteLine($"wrote {Path.GetFullPath(result.ReportPath)}");
            Console.WriteLine($"wrote {Path.GetFullPath(result.ContactSheetPath)}");
            return Task.FromResult(0);
        }));
        return command;
    }
}
