// A running application on a channel and the contract every application implements.
export type StopReason = 'hangup' | 'transfer' | 'break';
export type DtmfSource = 'APP' | 'RTP' | 'ENDPOINT' | 'INBAND_AUDIO';

export interface AppInstance {
  /** True while the app reads keys: each key then fires a DTMF event on the channel. */
  readsDtmf(): boolean;
  onDtmf?(digit: string, source: DtmfSource): void;
  /** A key arrives while the app does not read keys but keeps them for later (play_and_get_digits' invalid prompt). */
  holdDtmf?(digit: string, source: DtmfSource): void;
  /** The channel leaves the app (hangup, transfer, break): cancel timers, fire the app's own leave events. */
  stop(reason: StopReason): void;
  /** A nested app (sendmsg) starts / ended: the outer app pauses / resumes. */
  suspend?(): void;
  resume?(): void;
}

export interface Frame {
  app: string;
  data: string;
  appUuid: string;
  nested: boolean;
  /** Headers of the sendmsg that started it, echoed by PRIVATE_COMMAND. */
  sendmsg?: Array<[string, string]>;
  /** uuid_bridge shows CHANNEL_EXECUTE but never a COMPLETE. */
  silentComplete?: boolean;
  inst?: AppInstance;
  finished: boolean;
}
