"""Every read of the social app; feeds live in social.feeds."""
