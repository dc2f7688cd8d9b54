/** A refusal of the fake tenant's, in one place so that every module can make one. */

/** A failure the HTTP layer turns into Auth0's error body. */
export class Refusal {
  readonly _tag = "Refusal"
  constructor(
    readonly status: number,
    readonly message: string,
    readonly errorCode?: string
  ) {}
}
