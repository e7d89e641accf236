"use server";
import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { issueQueryCode } from "./issue-query-code";

export const issueQueryCodeAction = authedAction(z.object({ fileId: z.uuid() }), ["CASEWORKER"], issueQueryCode);
