namespace FedN.Security;

/// <summary>The roles an access token grants (the <c>role</c> claim), as in FEDn.</summary>
public static class AccessTokenRoles
{
    /// <summary>Every control operation: models, sessions, tokens, the dashboard.</summary>
    public const string Admin = "admin";

    /// <summary>One client: connect, receive its own tasks, upload its own updates.</summary>
    public const string Client = "client";
}
