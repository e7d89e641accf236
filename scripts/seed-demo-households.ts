// Fills the demo cities with households through the domain functions (lib/demo/seed-demo-households.ts).
// Run with the react-server condition, as `npm start` does: domain modules are server-only.
import { prisma } from "@/lib/db/client";
import { seedDemoHouseholds } from "@/lib/demo/seed-demo-households";

const started = Date.now();
// --even-if-filed: also into a database already in use (the end-to-end run's screenshots).
const made = await seedDemoHouseholds({ evenIfFiled: process.argv.includes("--even-if-filed") });
if (made > 0) console.log(`已填充演示家庭档案 ${made} 户（${((Date.now() - started) / 1000).toFixed(1)} 秒）。`);
await prisma.$disconnect();
