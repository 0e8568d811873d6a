// The command side of an event-socket connection, as the runtime, the metrics and the operator API use
// it: EslConnection implements it; tests and instrumentation wrap or fake it.
import type { ApiCommand, AppCommand } from './commands.js';
import type { ApiResult, BgapiResult, CommandOptions, ExecuteResult } from './connection.js';

export interface EslCommandPort {
  api(command: ApiCommand, options: CommandOptions): Promise<ApiResult>;
  bgapi(command: ApiCommand, options: CommandOptions & { jobUuid?: string }): Promise<BgapiResult>;
  execute(
    uuid: string,
    app: AppCommand,
    options: CommandOptions & { eventUuid?: string },
  ): Promise<ExecuteResult>;
}
