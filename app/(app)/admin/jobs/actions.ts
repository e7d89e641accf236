"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions/action";
import { runDailyCalendarNow } from "@/lib/calendar/run-daily-now";

export const runDailyCalendarNowAction = authedAction(z.object({}), ["ADMIN"], (actor) => runDailyCalendarNow(actor));
