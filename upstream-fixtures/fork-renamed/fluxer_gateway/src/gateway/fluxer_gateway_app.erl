%% Miniature of the gateway application: tables it owns are created before the supervisor starts.
-module(fluxer_gateway_app).
-behaviour(application).
-export([start/2, stop/1]).

start(_StartType, _StartArgs) ->
    guild_counts_cache:init(),
    {ok, Pid} = fluxer_gateway_sup:start_link(),
    {ok, Pid}.

stop(_State) ->
    ok.
