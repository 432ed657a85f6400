print("ablasim")
