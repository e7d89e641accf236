"use client";

import { useState, useTransition } from "react";
import { revealResidentIdsAction } from "@/lib/filing/actions";
import { Button } from "@/components/ui/button";
import { Table, Td } from "@/components/ui/table";

export type TMemberRow = {
  name: string;
  relation: string;
  residentId: string;
  birthDate: string;
  sex: string;
  health: string;
  education: string;
  employment: string;
  livesInHousehold: boolean;
};

/** Members with masked ID numbers; the full numbers only on request, and each request is audited. */
export function MembersTable({ fileId, members }: { fileId: string; members: TMemberRow[] }) {
  const [ids, setIds] = useState<(string | null)[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const reveal = () =>
    startTransition(async () => {
      const result = await revealResidentIdsAction({ fileId });
      if (result.ok) setIds(result.data);
      else setError(result.error);
    });
  return (
    <div className="space-y-2">
      <Table head={["姓名", "关系", "公民身份号码", "出生日期", "性别", "健康状况", "在学情况", "就业状况", "共同生活"]}>
        {members.map((m, i) => (
          <tr key={i}>
            <Td className="font-medium">{m.name}</Td>
            <Td>{m.relation}</Td>
            <Td className="font-mono">{ids?.[i] ?? m.residentId}</Td>
            <Td>{m.birthDate}</Td>
            <Td>{m.sex}</Td>
            <Td>{m.health}</Td>
            <Td>{m.education}</Td>
            <Td>{m.employment}</Td>
            <Td>{m.livesInHousehold ? "是" : "否"}</Td>
          </tr>
        ))}
      </Table>
      <div className="flex items-center gap-3">
        {!ids && (
          <Button variant="ghost" onClick={reveal} disabled={pending}>
            显示完整身份号码
          </Button>
        )}
        <span className="text-xs text-slate-500">{ids ? "完整号码的查看已记入审计日志。" : "查看完整号码会记入审计日志。"}</span>
        {error && (
          <span role="alert" className="text-xs text-red-600">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
