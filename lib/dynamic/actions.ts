"use server";

import { authedAction } from "@/lib/actions/action";
import { decideChange, endObservation, proposeExit, proposeTierChange, proposeTransfer, receiveTransfer } from "@/lib/dynamic/changes";
import { addMeasure, recordVisit, setPairing, updateMeasure } from "@/lib/dynamic/pairing";
import { recordRecheck } from "@/lib/dynamic/recheck";
import {
  ZAddMeasureInput,
  ZDecideChangeInput,
  ZEndObservationInput,
  ZProposeExitInput,
  ZProposeTierChangeInput,
  ZProposeTransferInput,
  ZRecordRecheckInput,
  ZRecordVisitInput,
  ZSetPairingInput,
  ZUpdateMeasureInput,
} from "@/lib/dynamic/schemas";

export const recordRecheckAction = authedAction(ZRecordRecheckInput, ["CASEWORKER"], recordRecheck);
export const recordVisitAction = authedAction(ZRecordVisitInput, ["CASEWORKER", "OFFICIAL"], recordVisit);
export const setPairingAction = authedAction(ZSetPairingInput, ["CASEWORKER", "OFFICIAL"], setPairing);
export const addMeasureAction = authedAction(ZAddMeasureInput, ["CASEWORKER"], addMeasure);
export const updateMeasureAction = authedAction(ZUpdateMeasureInput, ["CASEWORKER"], updateMeasure);
export const proposeTierChangeAction = authedAction(ZProposeTierChangeInput, ["CASEWORKER"], proposeTierChange);
export const proposeExitAction = authedAction(ZProposeExitInput, ["CASEWORKER"], proposeExit);
export const proposeTransferAction = authedAction(ZProposeTransferInput, ["CASEWORKER"], proposeTransfer);
export const decideChangeAction = authedAction(ZDecideChangeInput, ["OFFICIAL"], decideChange);
export const receiveTransferAction = authedAction(ZDecideChangeInput, ["OFFICIAL"], receiveTransfer);
export const endObservationAction = authedAction(ZEndObservationInput, ["CASEWORKER", "OFFICIAL"], endObservation);
