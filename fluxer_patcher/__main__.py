from fluxer_patcher.console import main

main()
