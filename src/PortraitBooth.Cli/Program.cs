using System.CommandLine;
using PortraitBooth.Cli;

var root = new RootCommand("PortraitBooth: identity-preserving portraits from one photo and a prompt.")
{
    GenerateCommand.Create(),
    TokenizeCommand.Create(),
    PackCommands.Create(),
    FacesCommands.Create(),
    ModelCommands.Create(),
    BenchCommands.Create(),
    EvalCommands.Create(),
    DatasetCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
