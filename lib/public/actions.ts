"use server";
import { publicAction } from "@/lib/actions/public-action";
import { queryOwnFile } from "./query-own-file";
import { filePublicObjection } from "./file-public-objection";
import { ZPublicObjectionInput, ZPublicQueryInput } from "./schemas";

// The public pages' actions (issue 24). None reads a session: see lib/actions/public-action.ts.

export const publicQueryAction = publicAction(ZPublicQueryInput, (input, context) => queryOwnFile(input, context));
export const filePublicObjectionAction = publicAction(ZPublicObjectionInput, (input, context) => filePublicObjection(input, context));
