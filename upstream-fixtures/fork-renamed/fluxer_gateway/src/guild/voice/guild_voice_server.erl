%% Miniature of the refactor branch's per-guild voice server: it registers itself in a
%% named ETS table that the first process to need it creates.
-module(guild_voice_server).

-export([
    start_link/1,
    lookup/1
]).

-define(REGISTRY_TABLE, guild_voice_registry).

start_link(GuildId) ->
    ensure_registry(),
    ets:insert(?REGISTRY_TABLE, {GuildId, self()}),
    {ok, self()}.

-spec lookup(integer()) -> {ok, pid()} | {error, not_found}.
lookup(GuildId) ->
    ensure_registry(),
    case ets:lookup(?REGISTRY_TABLE, GuildId) of
        [{_, Pid}] -> {ok, Pid};
        _ -> {error, not_found}
    end.

ensure_registry() ->
    case ets:whereis(?REGISTRY_TABLE) of
        undefined -> ets:new(?REGISTRY_TABLE, [named_table, public, set]), ok;
        _ -> ok
    end.
