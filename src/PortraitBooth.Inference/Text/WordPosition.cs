namespace PortraitBooth.Inference.Text;

/// <summary>Where one of the pack's words stands in a prompt's tokens.</summary>
/// <param name="Index">Position of its first token in <see cref="TokenizedPrompt.Ids"/>; the start token is position 0.</param>
/// <param name="Word">The word as the pack lists it.</param>
/// <param name="Length">How many tokens it spans (identity words: always 1).</param>
public readonly record struct WordPosition(int Index, string Word, int Length = 1);
