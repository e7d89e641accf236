"use server";

import { authedAction } from "@/lib/actions/action";
import { createOrganisation } from "@/lib/organisations/organisations";
import { ZCreateOrganisationInput } from "@/lib/organisations/schemas";

export const createOrganisationAction = authedAction(ZCreateOrganisationInput, ["ADMIN"], createOrganisation);
