from fluxer_patcher.cli import main

main()
