// Hangup causes the simulator uses, with their Q.850 codes (variable_hangup_cause_q850).
export const Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NORMAL_TEMPORARY_FAILURE: 41,
  NORMAL_UNSPECIFIED: 31,
  SERVICE_UNAVAILABLE: 63,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  CHAN_NOT_IMPLEMENTED: 66,
  ORIGINATOR_CANCEL: 487,
  LOSE_RACE: 502,
  MANAGER_REQUEST: 503,
  ALLOTTED_TIMEOUT: 602,
  USER_NOT_REGISTERED: 606,
  INVALID_GATEWAY: 608,
  GATEWAY_DOWN: 609,
};

/** Accepts a cause name (any case) or a Q.850 number; undefined when unknown. */
export function normalizeCause(input: string): string | undefined {
  const name = input.trim().toUpperCase();
  if (name in Q850) return name;
  const n = Number(name);
  if (Number.isInteger(n)) return Object.entries(Q850).find(([, q]) => q === n)?.[0];
  return undefined;
}

/** SIP status FreeSWITCH reports (variable_sip_term_status) for a far end refusing with this cause. */
export const SIP_STATUS_FOR_CAUSE: Record<string, string> = {
  USER_BUSY: '486',
  CALL_REJECTED: '603',
  NORMAL_TEMPORARY_FAILURE: '503',
  NO_ANSWER: '480',
  UNALLOCATED_NUMBER: '404',
};
