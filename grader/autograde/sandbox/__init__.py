"""The grading sandbox: the kernel zygote, namespaces, cgroups, seccomp."""
