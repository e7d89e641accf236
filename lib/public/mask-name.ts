// How a name appears on the public notice (公示): the first character, then one * per hidden
// character, then the last (王*静, 欧阳**明); a two-character name keeps only its first (王*). By
// characters, not UTF-16 units, so a rare character outside the BMP is one character. Spaces and
// the middle dot of transliterated names (阿卜杜·热合曼) are hidden like any other character.

export function maskName(name: string | null | undefined): string {
  const chars = Array.from((name ?? "").replace(/\s+/g, ""));
  if (chars.length === 0) return "*";
  if (chars.length === 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
