"""Shell scripts as commands (tree-sitter-bash): what a Dockerfile RUN executes, and what a
``sed -i`` among them does.  Used by the Docker file kind and by fixes that read a build."""
