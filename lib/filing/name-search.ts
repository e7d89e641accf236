// How a holder's name is searched: any part of it, its pinyin or its initials (王静 is found by 王,
// 静, 王静, wang, jing, wangjing, w, wj). Pure functions: the domain function writing a file and the
// bulk seed derive the same search columns from the same code (no "server-only": scripts use it).
import { pinyin } from "pinyin-pro";

export type TNameSearchColumns = { holderNamePinyin: string | null; holderNameInitials: string | null; holderNameGrams: string[] };

const HAN = /\p{Script=Han}/u;

function syllablesOf(name: string): string[] {
  // `surname: "head"` reads the first character as a surname (单 shan, 曾 zeng, 解 xie).
  return pinyin(name, { toneType: "none", type: "array", surname: "head", nonZh: "removed", v: true })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ""))
    .filter(Boolean);
}

/** The columns written beside holder_name; see household_file_holder_name_grams_idx (0013_scale). */
export function nameSearchColumns(name: string | null | undefined): TNameSearchColumns {
  const clean = (name ?? "").replace(/\s+/g, "");
  if (!clean) return { holderNamePinyin: null, holderNameInitials: null, holderNameGrams: [] };
  const chars = [...clean];
  const syllables = HAN.test(clean) ? syllablesOf(clean) : [];
  const initials = syllables.map((s) => s[0]!).join("");
  const grams = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    grams.add(`c:${chars[i]}`);
    if (i + 1 < chars.length) grams.add(`b:${chars[i]}${chars[i + 1]}`);
  }
  for (const s of syllables) grams.add(`p:${s}`);
  for (let i = 0; i < initials.length; i++) for (let j = i + 1; j <= initials.length; j++) grams.add(`i:${initials.slice(i, j)}`);
  return { holderNamePinyin: syllables.join("") || null, holderNameInitials: initials || null, holderNameGrams: [...grams] };
}

/**
 * What a name query asks the database, or null when it is no name query. Han text: every pair
 * of neighbours must be in the grams (one character: the character), and the name must contain
 * the text. Latin letters: a syllable, a run of initials, or (three letters or more) part of the
 * pinyin.
 */
export type TNameQuery = { kind: "han"; grams: string[]; contains: string } | { kind: "latin"; grams: string[]; pinyinContains: string | null };

export function parseNameQuery(raw: string): TNameQuery | null {
  const q = raw.replace(/\s+/g, "");
  if (!q) return null;
  if (HAN.test(q)) {
    const chars = [...q];
    const grams = chars.length === 1 ? [`c:${chars[0]}`] : chars.slice(1).map((c, i) => `b:${chars[i]}${c}`);
    return { kind: "han", grams: [...new Set(grams)], contains: q };
  }
  const latin = q.toLowerCase();
  if (!/^[a-z]+$/.test(latin)) return null;
  return { kind: "latin", grams: [`p:${latin}`, `i:${latin}`], pinyinContains: latin.length >= 3 ? latin : null };
}
