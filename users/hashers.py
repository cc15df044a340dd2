"""The password hasher: Argon2id with OWASP's first recommended parameter set.

Django's Argon2 defaults (t=2, m=100 MiB, p=8) cost ~0.7-0.9 s per hash on the 2-core web hosts we
measured (docs/users.md), which makes login itself a denial-of-service lever. OWASP's set
(m=19 MiB, t=2, p=1) is ~60 ms there. Hashes made with other parameters still verify (they are in the
hash string) and are re-hashed with these on the next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SocialFlowArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB (19 MiB)
    parallelism = 1
