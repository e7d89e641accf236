// Demo data for a laptop trial: a realistic slice of the union tree and one user per role in two
// cities. It only ever runs on an empty database.
import { PrismaPg } from "@prisma/adapter-pg";
import { hashPassword } from "@/lib/auth/password";
import { type Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import type { FundSource, OrgLevel, Role } from "@/lib/generated/prisma/enums";

export const DEMO_PASSWORD = "Bangfu@2026";

type TOrgSeed = { name: string; code: string; level: OrgLevel; regionCode: string; servicePhone?: string; children?: TOrgSeed[] };

export const DEMO_TREE: TOrgSeed = {
  name: "中华全国总工会",
  code: "ACFTU",
  level: "NATIONAL",
  regionCode: "100000",
  children: [
    {
      name: "甘肃省总工会",
      code: "GS",
      level: "PROVINCE",
      regionCode: "620000",
      children: [
        {
          name: "兰州市总工会",
          code: "GSLZ",
          level: "CITY",
          regionCode: "620100",
          servicePhone: "0931-12351",
          children: [
            {
              name: "城关区总工会",
              code: "GSLZCG",
              level: "COUNTY",
              regionCode: "620102",
              children: [
                { name: "兰州市城关区环境卫生管理所工会", code: "GSLZCG01", level: "GRASSROOTS", regionCode: "620102" },
                { name: "兰州市第二人民医院工会", code: "GSLZCG02", level: "GRASSROOTS", regionCode: "620102" },
              ],
            },
            {
              name: "七里河区总工会",
              code: "GSLZQLH",
              level: "COUNTY",
              regionCode: "620103",
              children: [{ name: "兰州佛慈制药股份有限公司工会", code: "GSLZQLH01", level: "GRASSROOTS", regionCode: "620103" }],
            },
            {
              name: "西固区总工会",
              code: "GSLZXG",
              level: "COUNTY",
              regionCode: "620104",
              children: [
                { name: "兰州石化公司工会", code: "GSLZXG01", level: "GRASSROOTS", regionCode: "620104" },
                { name: "西固区建筑业农民工联合工会", code: "GSLZXG02", level: "GRASSROOTS", regionCode: "620104" },
              ],
            },
          ],
        },
        {
          name: "天水市总工会",
          code: "GSTS",
          level: "CITY",
          regionCode: "620500",
          servicePhone: "0938-12351",
          children: [
            {
              name: "秦州区总工会",
              code: "GSTSQZ",
              level: "COUNTY",
              regionCode: "620502",
              children: [
                { name: "天水长城开关厂工会", code: "GSTSQZ01", level: "GRASSROOTS", regionCode: "620502" },
                { name: "秦州区环卫工人联合工会", code: "GSTSQZ02", level: "GRASSROOTS", regionCode: "620502" },
              ],
            },
            {
              name: "麦积区总工会",
              code: "GSTSMJ",
              level: "COUNTY",
              regionCode: "620503",
              children: [
                { name: "天水华天电子集团工会", code: "GSTSMJ01", level: "GRASSROOTS", regionCode: "620503" },
                { name: "天水星火机床有限责任公司工会", code: "GSTSMJ02", level: "GRASSROOTS", regionCode: "620503" },
              ],
            },
          ],
        },
      ],
    },
  ],
};

type TUserSeed = { username: string; name: string; orgCode: string; orgName: string; roles: Role[] };

export const DEMO_USERS: TUserSeed[] = [
  { username: "lz_caseworker", name: "王静", orgCode: "GSLZ", orgName: "兰州市总工会", roles: ["CASEWORKER"] },
  { username: "lz_official", name: "李建国", orgCode: "GSLZ", orgName: "兰州市总工会", roles: ["OFFICIAL"] },
  { username: "lz_auditor", name: "赵敏", orgCode: "GSLZ", orgName: "兰州市总工会", roles: ["AUDITOR"] },
  { username: "lz_admin", name: "陈磊", orgCode: "GSLZ", orgName: "兰州市总工会", roles: ["ADMIN"] },
  { username: "ts_caseworker", name: "刘芳", orgCode: "GSTS", orgName: "天水市总工会", roles: ["CASEWORKER"] },
  { username: "ts_official", name: "张伟", orgCode: "GSTS", orgName: "天水市总工会", roles: ["OFFICIAL"] },
  { username: "ts_auditor", name: "杨洁", orgCode: "GSTS", orgName: "天水市总工会", roles: ["AUDITOR"] },
  { username: "ts_admin", name: "周涛", orgCode: "GSTS", orgName: "天水市总工会", roles: ["ADMIN"] },
  { username: "gs_admin", name: "马志强", orgCode: "GS", orgName: "甘肃省总工会", roles: ["ADMIN"] },
  { username: "gs_official", name: "何建军", orgCode: "GS", orgName: "甘肃省总工会", roles: ["OFFICIAL"] },
  { username: "gs_auditor", name: "魏丽华", orgCode: "GS", orgName: "甘肃省总工会", roles: ["AUDITOR"] },
];

/** The years the demo and the tests pay in: each gets its allocations. */
export const DEMO_ALLOCATION_YEARS = { from: 2020, to: 2031 } as const;
/** Per fund and year: what the province receives, and what it passes down to each city (in fen). */
export const DEMO_PROVINCE_RECEIVES_FEN = 5_000_000_000; // ¥50,000,000
export const DEMO_CITY_RECEIVES_FEN = 2_000_000_000; // ¥20,000,000

const DEMO_FUNDS: FundSource[] = ["CENTRAL_SPECIAL", "UNION_FUNDS", "WARMTH_FUND", "DONATION"];
const DEMO_FUND_ORIGIN: Record<FundSource, string> = {
  CENTRAL_SPECIAL: "中央财政（经全国总工会）",
  UNION_FUNDS: "省总工会经费",
  WARMTH_FUND: "全国总工会送温暖资金",
  DONATION: "省职工帮扶基金会社会捐赠",
};

/**
 * 资金下拨 as a province does it each January: it receives each fund from outside and passes most of
 * it down to the two cities, whose officials approve the demo's and the tests' payments. The rows
 * go through the allocation triggers like any other (balances, append-only); the demo writes no
 * audit rows for them, as it writes none for its users.
 */
function demoAllocations(idByCode: Map<string, string>, userIdByName: Map<string, string>): Prisma.AllocationCreateManyInput[] {
  const rows: Prisma.AllocationCreateManyInput[] = [];
  for (let year = DEMO_ALLOCATION_YEARS.from; year <= DEMO_ALLOCATION_YEARS.to; year += 1) {
    for (const fund of DEMO_FUNDS) {
      rows.push({
        organisationId: idByCode.get("GS")!,
        kind: "RECEIVED",
        fundSource: fund,
        amountFen: BigInt(DEMO_PROVINCE_RECEIVES_FEN),
        entryDate: new Date(Date.UTC(year, 0, 5)),
        source: DEMO_FUND_ORIGIN[fund],
        note: `${year} 年度帮扶资金`,
        recordedById: userIdByName.get("gs_admin")!,
      });
      for (const city of ["GSLZ", "GSTS"]) {
        rows.push({
          organisationId: idByCode.get("GS")!,
          recipientId: idByCode.get(city)!,
          kind: "PASS_DOWN",
          fundSource: fund,
          amountFen: BigInt(DEMO_CITY_RECEIVES_FEN),
          entryDate: new Date(Date.UTC(year, 0, 10)),
          note: `甘工发〔${year}〕1号 年度资金下拨`,
          recordedById: userIdByName.get("gs_official")!,
        });
      }
    }
  }
  return rows;
}

export function openSeedClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

/** Seeds the demo tree and users; returns false, touching nothing, if the database has any data. */
export async function seedDemoIfEmpty(databaseUrl: string): Promise<boolean> {
  const db = openSeedClient(databaseUrl);
  try {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    return await db.$transaction(
      async (tx) => {
        // Two processes starting on one empty database must not both seed it.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(4206012)`;
        const [{ populated }] = await tx.$queryRaw<[{ populated: boolean }]>`
          SELECT EXISTS (SELECT 1 FROM organisation) OR EXISTS (SELECT 1 FROM app_user) AS populated`;
        if (populated) return false;

        const idByCode = new Map<string, string>();
        const insert = async (org: TOrgSeed, parentId: string | null) => {
          const created = await tx.organisation.create({
            // path and depth are set by the organisation_set_path trigger.
            data: {
              name: org.name,
              code: org.code,
              level: org.level,
              regionCode: org.regionCode,
              servicePhone: org.servicePhone ?? null,
              parentId,
              path: "",
              depth: 0,
            },
          });
          idByCode.set(org.code, created.id);
          for (const child of org.children ?? []) await insert(child, created.id);
        };
        await insert(DEMO_TREE, null);
        const userIdByName = new Map<string, string>();
        for (const user of DEMO_USERS) {
          const created = await tx.user.create({
            data: {
              username: user.username,
              name: user.name,
              roles: user.roles,
              passwordHash,
              organisationId: idByCode.get(user.orgCode)!,
            },
          });
          userIdByName.set(user.username, created.id);
        }
        await tx.allocation.createMany({ data: demoAllocations(idByCode, userIdByName) });
        return true;
      },
      // maxWait: Prisma's default of 2 s to start the transaction ran out at load 20–35 (P2028, which
      // stopped `npm run seed` before it loaded anything); the advisory lock above serialises anyway.
      { timeout: 60_000, maxWait: 30_000 },
    );
  } finally {
    await db.$disconnect();
  }
}
