using PortraitBooth.Abstractions;
using PortraitBooth.Inference.Sampling;

namespace PortraitBooth.Api.Models;

/// <summary>
/// Checks a generation request completely before any grain records it, with messages that name the field: pack,
/// prompt (tokenized with the pack's own tokenizer), identity count against the prompt's identity words,
/// <see cref="RequestLimits"/>, count, and that every identity exists for this tenant.
/// </summary>
public sealed class GenerationValidator(PackRegistry packs, IGrainFactory grains)
{
    public const int MaxCount = 4;

    /// <param name="defaultSeed">The seed when the body names none (random, or derived from an idempotency key so a retry matches).</param>
    public async Task<JobSpec> Validate(string tenantId, GenerationBody body, ulong defaultSeed)
    {
        var pack = packs.Get(string.IsNullOrWhiteSpace(body.Pack) ? packs.DefaultPack : body.Pack);
        var manifest = pack.Manifest;
        if (string.IsNullOrWhiteSpace(body.Prompt)) throw new InvalidRequestException("prompt is required");
        var identities = body.Identities ?? [];
        if (identities.Any(string.IsNullOrWhiteSpace)) throw new InvalidRequestException("identities must not contain empty ids");
        // JSON null entries bind as null elements: refused here, before anything reads their fields.
        for (var k = 0; k < (body.Boxes?.Count ?? 0); k++)
            if (body.Boxes![k] is null)
                throw new InvalidRequestException($"boxes[{k}] is null; each box must be an object with x, y, width and height");
        // What the body leaves out comes from the pack's defaults, here: the job records them for the worker.
        var chosen = manifest.SamplingDefaults.Fill(body.Steps, body.Guidance, body.Width, body.Height);

        var request = new GenerationRequest
        {
            Prompt = body.Prompt,
            NegativePrompt = body.NegativePrompt ?? "",
            // Only the number of faces is checked here; each φ is read from its identity grain by the worker.
            Faces = identities.Select(_ => Array.Empty<float>()).ToList(),
            Steps = chosen.Steps,
            Guidance = chosen.Guidance,
            Width = chosen.Width,
            Height = chosen.Height,
            Boxes = body.Boxes?.Select(b => new SubjectBox(b.X, b.Y, b.Width, b.Height)).ToList(),
            Expressions = body.Expressions,
        };
        // Tokenizes the prompt as it will be sampled (expression words inserted): one identity token per identity;
        // without identities the prompt is plain text-to-image and its identity words stay ordinary words.
        RequestLimits.Check(request, manifest, pack.Tokenizer, packs.SamplingLimits.MaxSubjects);
        var count = body.Count ?? 1;
        if (count is < 1 or > MaxCount) throw new InvalidRequestException($"count must be between 1 and {MaxCount}, got {count}");

        foreach (var id in identities.Distinct())
            if (await grains.GetGrain<IIdentityGrain>(IIdentityGrain.Key(tenantId, id)).Describe() is null)
                throw new InvalidRequestException($"identity '{id}' does not exist");

        var seed = body.Seed ?? defaultSeed;
        return new JobSpec(tenantId, pack.Name, body.Prompt, body.NegativePrompt ?? "", identities.ToList(), seed,
            request.Steps, request.Guidance, request.Width, request.Height, count, body.Boxes?.ToList(), body.Expressions?.ToList());
    }
}
