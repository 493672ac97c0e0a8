-module(guild_client).
-export([voice_state_update/3]).

voice_state_update(Pid, Request, Timeout) ->
    do_call(Pid, Request, Timeout).

do_call(Pid, Request, Timeout) ->
    try
        Reply = gen_server:call(Pid, {voice_state_update, Request}, Timeout),
        normalize_reply(Reply)
    catch
        exit:Reason -> {error, Reason}
    end.

normalize_reply(Reply) when is_map(Reply) -> Reply;
normalize_reply({error, _, _} = Error) -> Error;
normalize_reply(_) -> {error, unknown, internal_error}.
