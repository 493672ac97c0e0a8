%% Miniature of the refactor branch's guild client: a voice state update goes to the
%% guild's voice server, looked up in a registry, else to the guild process.
-module(guild_client).

-export([voice_state_update/3]).
-export([voice_state_update/4]).

-spec voice_state_update(pid(), map(), timeout()) -> term().
voice_state_update(Pid, Request, Timeout) ->
    do_call(Pid, Request, Timeout).

-spec voice_state_update(pid(), integer(), map(), timeout()) -> term().
voice_state_update(GuildPid, GuildId, Request, Timeout) ->
    TargetPid = resolve_voice_pid(GuildId, GuildPid),
    do_call(TargetPid, Request, Timeout).

-spec resolve_voice_pid(integer(), pid()) -> pid().
resolve_voice_pid(GuildId, FallbackGuildPid) ->
    case guild_voice_server:lookup(GuildId) of
        {ok, VoicePid} -> VoicePid;
        {error, not_found} -> FallbackGuildPid
    end.

-spec do_call(pid(), map(), timeout()) -> term().
do_call(GuildPid, Request, Timeout) ->
    try gen_server:call(GuildPid, {voice_state_update, Request}, Timeout) of
        Response when is_map(Response) ->
            {ok, Response};
        {error, Category, ErrorAtom} when is_atom(Category), is_atom(ErrorAtom) ->
            {error, Category, ErrorAtom}
    catch
        exit:{timeout, _} -> {error, timeout};
        exit:{noproc, _} -> {error, noproc}
    end.
