import "server-only";
import { randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH } from "./query-code-format";

// The query code (查询码) printed once on the 建档告知书. The arithmetic of why it cannot be guessed
// within the limits is in docs/decisions/024-public-pages.md.

// argon2id at 4 MiB, 3 passes (~5 ms here): the code carries ~49.5 bits of its own, so the hash
// only has to make a stolen table slow to search, not stretch a weak secret as a password hash
// must; the public query's p95 budget (100 ms) is spent on the uniform answer floor instead.
// (`Algorithm` is an ambient const enum, unusable under isolatedModules: 2 is Algorithm.Argon2id.)
const OPTIONS = { algorithm: 2, memoryCost: 4_096, timeCost: 3, parallelism: 1 };

export function generateQueryCode(): string {
  let code = "";
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) code += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return code;
}

export function hashQueryCode(code: string): Promise<string> {
  return hash(code, OPTIONS);
}

export async function verifyQueryCode(codeHash: string, input: string): Promise<boolean> {
  try {
    return await verify(codeHash, input);
  } catch {
    return false;
  }
}

// Verified against when no file matches, so that "no such file" costs the same work as a wrong code.
let dummyHash: Promise<string> | undefined;
export function dummyQueryCodeHash(): Promise<string> {
  dummyHash ??= hashQueryCode(generateQueryCode());
  return dummyHash;
}
