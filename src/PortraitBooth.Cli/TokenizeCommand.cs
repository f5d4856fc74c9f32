using System.CommandLine;
using System.Text.Json;
using PortraitBooth.Inference.Packs;
using PortraitBooth.ModelBuilder;

namespace PortraitBooth.Cli;

/// <summary><c>portraitbooth tokenize TEXT [--pack DIR]</c>: ids (no padding) and identity/expression positions as JSON.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The prompt." };
        var packOption = CommonOptions.Pack();
        var expressions = new Option<string[]>("--expression") { Description = "An expression word per identity word, in order ('none' for none): shows the prompt as generate samples it." };
        var command = new Command("tokenize", "Print a prompt's CLIP token ids and the positions of identity and expression words.")
        {
            text, packOption, expressions,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var directory = parse.GetValue(packOption) ?? ModelLocations.EnsurePack(PackKind.Tiny);
            var manifest = ModelPack.ReadManifest(directory);
            var tokens = PackTokenizer.Create(directory, manifest).Tokenize(parse.GetValue(text)!, ExpressionOption.Parse(parse.GetValue(expressions)));
            var json = JsonSerializer.Serialize(new
            {
                ids = tokens.Ids,
                identity_tokens = tokens.IdentityTokens.Select(t => new { index = t.Index, word = t.Word }),
                expression_tokens = tokens.ExpressionTokens.Select(t => new { index = t.Index, word = t.Word, length = t.Length }),
            });
            Console.WriteLine(json);
            return 0;
        }));
        return command;
    }
}
