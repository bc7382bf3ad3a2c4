"""The theory labs' engines: the divergences explorer, Gaussian fits, conditional samplers, GAN dynamics."""
