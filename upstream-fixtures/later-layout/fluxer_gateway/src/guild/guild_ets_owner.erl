-module(guild_ets_owner).
-behaviour(gen_server).
-export([start_link/0, init/1, handle_call/3, handle_cast/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

init([]) ->
    lists:foreach(fun create/1, tables()),
    {ok, #{}}.

tables() ->
    [
        {guild_voice_registry, [named_table, public, set, {read_concurrency, true}]}
    ].

create({Name, Options}) ->
    ets:new(Name, Options).

handle_call(_Request, _From, State) -> {reply, ok, State}.
handle_cast(_Msg, State) -> {noreply, State}.
