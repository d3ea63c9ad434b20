"""Appwrite's error types of Users, Teams and Account (reference: appwrite-rest-api.md §5)."""

from emulator.core.errors import register

ERRORS: dict[str, tuple[int, str]] = {
    "user_not_found": (404, "User with the requested ID could not be found."),
    "user_already_exists": (
        409,
        "A user with the same id, email, or phone already exists in this project.",
    ),
    "user_email_already_exists": (
        409,
        "A user with the same email already exists in the current project.",
    ),
    "user_phone_already_exists": (
        409,
        "A user with the same phone number already exists in the current project.",
    ),
    "user_invalid_credentials": (401, "Invalid credentials. Please check the email and password."),
    "user_blocked": (
        401,
        "The current user has been blocked. You can unblock the user by making a request to the "
        "User API's \"Update User Status\" endpoint or in the Appwrite Console's Auth section.",
    ),
    "user_password_mismatch": (
        400,
        "Passwords do not match. Please check the password and confirm password.",
    ),
    "user_session_already_exists": (
        401,
        "Creation of a session is prohibited when a session is active.",
    ),
    "user_session_not_found": (404, "The current user session could not be found."),
    "user_jwt_invalid": (401, "Failed to verify JWT. Invalid token: Incorrect signature."),
    "user_jwt_and_cookie_set": (
        403,
        "Cookie and JWT token sent in the same request. Use either `setSession` or `setJWT`.",
    ),
    "user_api_key_and_session_set": (
        403,
        "API key and session used in the same request. Use either `setSession` or `setKey`. "
        "Learn about which authentication method to use in the SSR docs: "
        "https://appwrite.io/docs/products/auth/server-side-rendering",
    ),
    "user_count_exceeded": (400, "The current project has exceeded the maximum number of users."),
    "project_key_expired": (
        401,
        "The project key has expired. Please generate a new key using the Appwrite console.",
    ),
    "user_invalid_token": (401, "Invalid token passed in the request."),
    "user_target_not_found": (404, "The target could not be found."),
    "user_target_already_exists": (409, "A target with the same ID already exists."),
    "user_email_already_verified": (409, "User email is already verified"),
    "team_not_found": (404, "Team with the requested ID could not be found."),
    "team_already_exists": (
        409,
        "Team with requested ID already exists. Please choose a different ID and try again.",
    ),
    "team_invite_mismatch": (401, "The invite does not belong to the current user."),
    "team_membership_mismatch": (404, "The membership ID does not belong to the team ID."),
    "membership_not_found": (404, "Membership with the requested ID could not be found."),
    "membership_already_confirmed": (409, "Membership is already confirmed."),
    "user_oauth2_provider_error": (424, "OAuth2 provider returned some error."),
    "project_provider_disabled": (
        412,
        "The chosen OAuth provider is disabled. You can enable the OAuth provider using the "
        "Appwrite console.",
    ),
    "project_invalid_success_url": (400, "Invalid redirect URL for OAuth success."),
    "project_invalid_failure_url": (400, "Invalid redirect URL for OAuth failure."),
}

register(ERRORS)
