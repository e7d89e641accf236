"use client";

import { useState, useTransition } from "react";
import { recordBankAccountAction, recordReversalAction, revealBankAccountAction } from "@/lib/ledger/actions";
import { Button } from "@/components/ui/button";
import { ZRecordBankAccountInput, ZRecordReversalInput } from "@/lib/ledger/schemas";
import { DialogForm } from "@/components/forms/dialog-form";

/** 登记银行账户: the full number is shown back once, to the caseworker who typed it. */
export function BankAccountDialog({ fileId, holderName, replacing }: { fileId: string; holderName: string; replacing: boolean }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [sharedWith, setSharedWith] = useState(0);
  return (
    <div className="space-y-2">
      <DialogForm
        label={replacing ? "更换银行账户" : "登记银行账户"}
        title="登记建档职工本人银行账户"
        description="实名制：救助资金只发放到建档职工本人的银行账户，户名须与建档职工姓名一致。"
        buttonVariant="secondary"
        confirmLabel="确认登记"
        schema={ZRecordBankAccountInput}
        defaults={{ fileId, bankName: "", accountNumber: "", accountHolder: holderName }}
        fields={[
          { name: "bankName", label: "开户银行", type: "text" },
          { name: "accountNumber", label: "银行账号", type: "text", hint: "12–30 位数字，可带空格" },
          { name: "accountHolder", label: "户名", type: "text" },
        ]}
        run={recordBankAccountAction}
        onDone={(data) => {
          const result = data as { accountNumber: string; sharedWith?: number };
          setSaved(result.accountNumber);
          setSharedWith(result.sharedWith ?? 0);
        }}
      />
      {saved && (
        <p role="status" className="rounded bg-green-50 px-3 py-2 text-sm text-green-800">
          已登记账号 <span className="font-mono">{saved}</span>，请与银行卡核对。离开本页后账号将只显示前后四位。
        </p>
      )}
      {saved && sharedWith > 0 && (
        <p role="alert" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          注意：该账号已登记为另外 {sharedWith} 户档案的收款账户。请核实是否为本人账户；系统将列入“疑似重复与冒领”，由审计人员核查。
        </p>
      )}
    </div>
  );
}

/** 冲正: the dialog keeps one idempotency key until it succeeds, so a double click or retry sends the same one. */
export function ReverseEntryDialog({ entryId, today, description }: { entryId: string; today: string; description: string }) {
  return (
    <DialogForm
      label="冲正"
      title="申请冲正"
      description={`${description}。冲正将生成一笔金额相反的记录，经审批人审批后入账；原记录保留不变。`}
      variant="danger"
      buttonVariant="ghost"
      confirmLabel="确认申请冲正"
      schema={ZRecordReversalInput}
      idempotent
      defaults={{ idempotencyKey: "", entryId, entryDate: today, reason: "" }}
      fields={[
        { name: "entryDate", label: "冲正日期", type: "date" },
        { name: "reason", label: "冲正原因", type: "textarea" },
      ]}
      run={recordReversalAction}
    />
  );
}

/** 查看完整账号 (auditors): every reveal is written to the audit trail. */
export function RevealAccountButton({ bankAccountId, masked }: { bankAccountId: string; masked: string }) {
  const [number, setNumber] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  if (number) return <span className="font-mono">{number}</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <span className="font-mono">{masked}</span>
      <Button
        variant="ghost"
        className="text-xs"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await revealBankAccountAction({ bankAccountId });
            if (result.ok) setNumber(result.data.accountNumber);
            else setError(result.error);
          })
        }
      >
        查看完整账号
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}
