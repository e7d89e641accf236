// Test data: the demo tree (Lanzhou and Tianshui city unions) and actors built from its users.
import type { TActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/db/client";
import { seedDemoIfEmpty } from "@/lib/demo/seed-demo";
import type { Role } from "@/lib/generated/prisma/enums";

export async function seedDemo() {
  await seedDemoIfEmpty(process.env.DATABASE_URL!);
}

export async function orgByCode(code: string) {
  return prisma.organisation.findUniqueOrThrow({ where: { code } });
}

export async function actorFor(username: string): Promise<TActor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { username }, include: { organisation: true } });
  return {
    userId: user.id,
    sessionId: null,
    username: user.username,
    name: user.name,
    roles: user.roles,
    organisation: { id: user.organisation.id, name: user.organisation.name, path: user.organisation.path, depth: user.organisation.depth },
    ip: "127.0.0.1",
  };
}

/** The demo users a test usually needs: a caseworker, an official and an auditor in each city. */
export async function demoActors() {
  const [lzCaseworker, lzOfficial, lzAuditor, tsCaseworker, tsOfficial, tsAuditor] = await Promise.all(
    ["lz_caseworker", "lz_official", "lz_auditor", "ts_caseworker", "ts_official", "ts_auditor"].map(actorFor),
  );
  return {
    lzCaseworker: lzCaseworker!,
    lzOfficial: lzOfficial!,
    lzAuditor: lzAuditor!,
    tsCaseworker: tsCaseworker!,
    tsOfficial: tsOfficial!,
    tsAuditor: tsAuditor!,
  };
}

let counter = 0;
export async function createTestUser(options: { orgCode: string; roles: Role[]; password?: string }) {
  counter += 1;
  const org = await orgByCode(options.orgCode);
  return prisma.user.create({
    data: {
      username: `t${Date.now().toString(36)}_${counter}`,
      name: `测试用户${counter}`,
      organisationId: org.id,
      roles: options.roles,
      passwordHash: await hashPassword(options.password ?? "Correct-horse-1"),
    },
  });
}
