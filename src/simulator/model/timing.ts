// How long the simulated switch takes to act after a command is answered (its own modules are imported by
// the core, so the constant lives apart from it).

/** Commands reply first and act this many clock ms later, as FreeSWITCH does. */
export const STEP_MS = 20;
