print("images-mock")
