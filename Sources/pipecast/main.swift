print("pipecast")
