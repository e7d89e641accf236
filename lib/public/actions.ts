"use server";
import { publicAction } from "@/lib/actions/public-action";
import { queryOwnFile } from "./query-own-file";
import { ZPublicQueryInput } from "./schemas";

// The public pages' actions (issue 24). None reads a session: see lib/actions/public-action.ts.

export const publicQueryAction = publicAction(ZPublicQueryInput, (input, context) => queryOwnFile(input, context));
