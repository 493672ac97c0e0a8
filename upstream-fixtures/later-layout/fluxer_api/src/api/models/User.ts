export class User {
	readonly passwordHash: string | null;
	readonly isBot: boolean;
	private readonly _traits: Set<string>;

	isUnclaimedAccount(): boolean {
		return this.passwordHash === null && !this.isBot && !this._traits.has('sso');
	}
}
