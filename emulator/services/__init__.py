"""The Appwrite services the emulator serves, one package each (routes, model, errors)."""
