import Link from "next/link";
import { Badge, Card, EmptyState } from "@/components/ui/page";
import type { TWorkbench } from "@/lib/workbench/find-workbench";

const TONES = { red: "text-red-700", amber: "text-amber-700", slate: "text-slate-800" } as const;

/** The workbench: per section the items that have something waiting, each a link to where it is done. */
export function WorkbenchView({ workbench }: { workbench: TWorkbench }) {
  if (workbench.totalOpen === 0) {
    return <EmptyState title="今天没有待办事项">管辖范围内没有待审核、待核查、待走访或需关注的记录。新的事项出现时会列在这里。</EmptyState>;
  }
  return (
    <div className="space-y-6">
      {workbench.sections.map((section) => {
        const waiting = section.items.filter((i) => i.count > 0);
        return (
          <Card key={section.key} title={section.title}>
            {waiting.length === 0 ? (
              <p className="text-sm text-slate-500">暂无待办。</p>
            ) : (
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid={`workbench-${section.key}`}>
                {waiting.map((item) => (
                  <li key={item.key}>
                    <Link href={item.href} className="block rounded-md border border-slate-200 px-4 py-3 hover:border-brand-700 hover:bg-brand-50">
                      <span className="block text-sm text-slate-600">{item.title}</span>
                      <span className={`mt-1 block text-2xl font-semibold ${TONES[item.tone ?? "slate"]}`}>
                        {item.countAtLeast ? `${item.count.toLocaleString("zh-CN")}+` : item.count.toLocaleString("zh-CN")}
                      </span>
                      {item.detail && <span className="block text-xs text-slate-500">{item.detail}</span>}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            {section.records && section.records.length > 0 && (
              <ul className="mt-4 divide-y divide-slate-100 border-t border-slate-100 text-sm">
                {section.records.map((r) => (
                  <li key={r.key} className="flex flex-wrap items-center gap-2 py-2">
                    <Link href={r.href} className="font-medium text-brand-700 hover:underline">
                      {r.label}
                    </Link>
                    {r.tags?.map((t) => (
                      <Badge key={t} tone="amber">
                        {t}
                      </Badge>
                    ))}
                    <span className="text-xs text-slate-500">{r.meta}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        );
      })}
    </div>
  );
}
