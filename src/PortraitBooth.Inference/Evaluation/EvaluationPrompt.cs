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

    /// <summary>
    /// The expression control (issue 15): the template without its emotion word (the category), so that an emotion's
    /// score can be compared with the same prompt that never asks for it. "an angry {C}" → "a {C}"; a phrase
    /// "with a neutral expression" goes whole.
    /// </summary>
    public string WithoutEmotionWord()
    {
        var words = Template.Split(' ').ToList();
        var at = words.FindIndex(w => string.Equals(w, Category, StringComparison.OrdinalIgnoreCase));
        if (at < 0) throw new ArgumentException($"'{Template}' does not contain its emotion word '{Category}'");
        if (at >= 2 && at + 1 < words.Count && words[at + 1] == "expression" && words[at - 2] == "with" && words[at - 1] is "a" or "an")
        {
            words.RemoveRange(at - 2, 4);
            return string.Join(' ', words);
        }
        words.RemoveAt(at);
        if (at >= 1 && at < words.Count && words[at - 1] is "a" or "an")
            words[at - 1] = "aeiou".Contains(char.ToLowerInvariant(words[at][0])) ? "an" : "a";
        return string.Join(' ', words);
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
