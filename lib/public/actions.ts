"use server";
import { publicAction } from "@/lib/actions/public-action";
import { queryOwnFile } from "./query-own-file";
import { filePublicObjection } from "./file-public-objection";
import { ZPublicObjectionInput, ZPublicQueryInput } from "./schemas";
import { ZApplicationQueryInput, ZUnionSearchInput } from "./application-schemas";
import { queryApplication } from "./query-application";
import { searchUnions } from "./search-unions";

// The public pages' actions (issue 24). None reads a session: see lib/actions/public-action.ts.

export const publicQueryAction = publicAction(ZPublicQueryInput, (input, context) => queryOwnFile(input, context));
export const filePublicObjectionAction = publicAction(ZPublicObjectionInput, (input, context) => filePublicObjection(input, context));
export const searchUnionsAction = publicAction(ZUnionSearchInput, (input, context) => searchUnions(input, context));
export const queryApplicationAction = publicAction(ZApplicationQueryInput, (input, context) => queryApplication(input, context));
