namespace PortraitBooth.Inference.Text;

/// <summary>A token of a prompt that is exactly <paramref name="Word"/>.</summary>
/// <param name="Index">Position in <see cref="TokenizedPrompt.Ids"/>; the start token is position 0.</param>
/// <param name="Word">The word as the pack lists it.</param>
public readonly record struct WordPosition(int Index, string Word);
