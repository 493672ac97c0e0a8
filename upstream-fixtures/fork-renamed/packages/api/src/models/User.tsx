export class User {
	readonly passwordHash: string | null;
	readonly isBot: boolean;
	private readonly _traits: Set<string>;

	constructor(row: UserRow) {
		this.passwordHash = row.password_hash ?? null;
		this.isBot = row.bot ?? false;
		this._traits = row.traits ?? new Set();
	}

	isUnclaimedAccount(): boolean {
		return this.passwordHash === null && !this.isBot;
	}
}
