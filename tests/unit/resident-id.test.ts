import { describe, expect, it } from "vitest";
import {
  maskResidentId,
  normalizeResidentId,
  RESIDENT_ID_ERROR_MESSAGES,
  residentIdCheckCharacter,
  upgradeResidentId15,
  validateResidentId,
  type TResidentIdError,
} from "@/lib/people/resident-id";

// Independent of the module's weight table: ISO 7064 MOD 11-2 defines the weight of position i
// (counted from the left, 0-based) as 2^(17 − i) mod 11 and the check value as (12 − S mod 11) mod 11.
function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? "X" : String(value);
}
const withCheck = (first17: string) => first17 + checkCharacter(first17);

const TODAY = new Date("2026-11-23T04:00:00Z"); // 12:00 on 2026-11-23 in Shanghai

function expectError(raw: string, code: TResidentIdError, opts = {}) {
  const result = validateResidentId(raw, { today: TODAY, ...opts });
  expect(result).toEqual({ ok: false, code, message: RESIDENT_ID_ERROR_MESSAGES[code] });
}

describe("validateResidentId", () => {
  it("accepts the GB 11643-1999 example and reads birth date and sex from it", () => {
    expect(validateResidentId("11010519491231002X", { today: TODAY })).toEqual({
      ok: true,
      id: "11010519491231002X",
      birthDate: "1949-12-31",
      sex: "FEMALE",
    });
  });

  it("accepts numbers built with the independent check helper", () => {
    const male = withCheck("32010619850615123"); // 17th digit 3 → male
    const female = withCheck("51010720000229004"); // leap day; 17th digit 4 → female
    expect(validateResidentId(male, { today: TODAY })).toMatchObject({ ok: true, birthDate: "1985-06-15", sex: "MALE" });
    expect(validateResidentId(female, { today: TODAY })).toMatchObject({ ok: true, birthDate: "2000-02-29", sex: "FEMALE" });
  });

  it("accepts hand-computed numbers, including check characters 0 and X", () => {
    // 1101011990030700d: weighted sum of the first 16 digits is 152 (≡ 9 mod 11), the 17th weighs 2.
    // d = 7: 166 ≡ 1 → check 0 (male); d = 2: 156 ≡ 2 → check X (female); d = 1: 154 ≡ 0 → check 1.
    expect(validateResidentId("110101199003070070", { today: TODAY })).toMatchObject({ ok: true, sex: "MALE" });
    expect(validateResidentId("11010119900307002X", { today: TODAY })).toMatchObject({ ok: true, sex: "FEMALE" });
    expect(validateResidentId("110101199003070011", { today: TODAY })).toMatchObject({ ok: true, birthDate: "1990-03-07" });
  });

  it("accepts a lowercase x, surrounding spaces, and returns the normalised number", () => {
    expect(validateResidentId("  11010519491231002x ", { today: TODAY })).toMatchObject({ ok: true, id: "11010519491231002X" });
  });

  it("agrees with the independent helper on many numbers", () => {
    for (let n = 0; n < 500; n++) {
      const first17 = `4403051990010${String(1000 + n).slice(-4)}`;
      expect(residentIdCheckCharacter(first17)).toBe(checkCharacter(first17));
    }
  });

  it("rejects an empty or blank number", () => {
    expectError("", "EMPTY");
    expectError("   ", "EMPTY");
  });

  it("rejects anything but 18 characters, including old 15-digit numbers", () => {
    expectError("110105491231002", "LENGTH");
    expectError("11010519491231002X1", "LENGTH");
  });

  it("rejects characters other than 17 digits and a final digit or X", () => {
    expectError("11010519491231002Y", "CHARACTERS");
    expectError("1101051949123100X2", "CHARACTERS");
    expectError("110105 9491231002X", "CHARACTERS");
  });

  it("rejects a region code starting with 0", () => {
    expectError(withCheck("01010519491231002"), "REGION");
  });

  it("rejects a birth date that is not a real day", () => {
    expectError(withCheck("11010519900230001"), "BIRTH_DATE_INVALID"); // 30 February
    expectError(withCheck("11010519010229001"), "BIRTH_DATE_INVALID"); // 1901 is not a leap year
    expectError(withCheck("11010519901301001"), "BIRTH_DATE_INVALID"); // month 13
    expectError(withCheck("11010519900100001"), "BIRTH_DATE_INVALID"); // day 0
  });

  it("rejects birth dates before 1900-01-01, such as the 1880 example from the standard", () => {
    expect(checkCharacter("44052418800101001")).toBe("4"); // the check character itself is right
    expectError("440524188001010014", "BIRTH_DATE_TOO_EARLY");
    expectError(withCheck("11010518991231001"), "BIRTH_DATE_TOO_EARLY");
    expectError(withCheck("11010500500101001"), "BIRTH_DATE_TOO_EARLY"); // year 0050, not 1950
    expect(validateResidentId(withCheck("11010519000101001"), { today: TODAY }).ok).toBe(true);
  });

  it("rejects a future birth date, by the calendar day in Shanghai", () => {
    const bornNov24 = withCheck("11010520261124001");
    // 23:59:59 on 23 November in Shanghai: the 24th is still tomorrow.
    expect(validateResidentId(bornNov24, { today: new Date("2026-11-23T15:59:59Z") })).toMatchObject({
      ok: false,
      code: "BIRTH_DATE_FUTURE",
    });
    // 00:00 on 24 November in Shanghai, while it is still the 23rd in UTC: born today is fine.
    expect(validateResidentId(bornNov24, { today: new Date("2026-11-23T16:00:00Z") }).ok).toBe(true);
  });

  it("rejects a wrong check character", () => {
    expectError("110105194912310021", "CHECK_CHARACTER");
    expectError("110101199003070071", "CHECK_CHARACTER");
  });

  it("reports a bad date before a bad check character, since the date says where to look", () => {
    expectError("110105199002300010", "BIRTH_DATE_INVALID");
  });

  it("checks the entered birth date and sex after the number itself", () => {
    expectError("11010519491231002X", "BIRTH_DATE_MISMATCH", { birthDate: "1949-12-30" });
    expectError("11010519491231002X", "SEX_MISMATCH", { sex: "MALE" });
    expectError("110105194912310021", "CHECK_CHARACTER", { birthDate: "1949-12-30", sex: "MALE" });
    expect(validateResidentId("11010519491231002X", { today: TODAY, birthDate: "1949-12-31", sex: "FEMALE" }).ok).toBe(true);
  });

  it("uses the current time when no today is given", () => {
    expect(validateResidentId("11010519491231002X").ok).toBe(true);
    expect(validateResidentId(withCheck("11010530000101001")).ok).toBe(false);
  });

  it("has a distinct message for every code", () => {
    const messages = Object.values(RESIDENT_ID_ERROR_MESSAGES);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe("normalizeResidentId", () => {
  it("trims and upper-cases", () => {
    expect(normalizeResidentId(" 11010519491231002x\n")).toBe("11010519491231002X");
  });
});

describe("maskResidentId", () => {
  it("keeps the first 6 and last 4 with 8 asterisks between", () => {
    expect(maskResidentId("11010519491231002X")).toBe("110105********002X");
    expect(maskResidentId("11010519491231002x")).toBe("110105********002X");
  });

  it("masks anything that is not 18 characters completely", () => {
    expect(maskResidentId("110105491231002")).toBe("***************");
    expect(maskResidentId("")).toBe("");
  });
});

// Issue 26: a 15-digit old number is offered in its 18-digit form (century 19 inserted, check
// character appended); the expected numbers are worked out by hand with the MOD 11-2 weights.
describe("upgradeResidentId15", () => {
  it("inserts 19 before the birth year and appends the check character", () => {
    expect(upgradeResidentId15("620102850315050")).toBe("620102198503150503");
    expect(upgradeResidentId15(" 110105491231002 ")).toBe("11010519491231002X");
  });
  it("offers nothing for what is not a 15-digit number with a real birth date", () => {
    expect(upgradeResidentId15("62010285031505")).toBeNull();
    expect(upgradeResidentId15("620102198503150503")).toBeNull();
    expect(upgradeResidentId15("620102850230050")).toBeNull();
    expect(upgradeResidentId15("020102850315050")).toBeNull();
    expect(upgradeResidentId15("62010285031505X")).toBeNull();
  });
});
