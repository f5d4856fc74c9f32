namespace PortraitBooth.Inference.Evaluation;

/// <summary>
/// One line of a <c>shared/eval/prompts-*.txt</c> file: its first column (a category, or the asked emotion in the
/// expression file) and the prompt template with <c>{C}</c> (one subject's class word) or <c>{S}</c> (two subjects).
/// </summary>
public sealed record EvaluationPrompt(string Category, string Template)
{
    public int Subjects => Template.Contains("{S}") ? 2 : Template.Contains("{C}") ? 1 : 0;

    /// <summary>The prompt for subjects with these class words: {C} → the word, {S} → "a {C1} and a {C2}".</summary>
    public string Fill(IReadOnlyList<string> classWords)
    {
        if (classWords.Count != Subjects)
            throw new ArgumentException($"'{Template}' has {Subjects} subject(s) but {classWords.Count} class word(s) were given");
        return Subjects == 2
            ? Template.Replace("{S}", $"a {classWords[0]} and a {classWords[1]}")
            : Template.Replace("{C}", classWords[0]);
    }

    /// <summary>Reads a prompt file: tab-separated <c>category prompt</c> lines; blank lines and <c># …</c> ignored.</summary>
    public static IReadOnlyList<EvaluationPrompt> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"prompt file '{path}' does not exist", path);
        var prompts = new List<EvaluationPrompt>();
        foreach (var (text, number) in File.ReadAllLines(path).Select((text, i) => (text, i + 1)))
        {
            if (text.Trim().Length == 0 || text.StartsWith('#')) continue;
            var fields = text.Split('\t');
            var prompt = fields.Length == 2 ? new EvaluationPrompt(fields[0].Trim(), fields[1].Trim()) : null;
            if (prompt is null || prompt.Category.Length == 0 || prompt.Subjects == 0)
                throw new InvalidDataException($"{path}:{number}: expected 'category<TAB>prompt' with {{C}} or {{S}} in the prompt");
            prompts.Add(prompt);
        }
        return prompts.Count > 0 ? prompts : throw new InvalidDataException($"{path} holds no prompts");
    }
}
