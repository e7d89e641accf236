"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { dismissSignInNotice } from "./sign-in";

// Any signed-in user, for their own session only.
export const dismissSignInNoticeAction = authedAction(z.object({}), [], (actor) => dismissSignInNotice(actor));
