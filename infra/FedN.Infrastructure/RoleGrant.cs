using System.Security.Cryptography;
using System.Text;

namespace FedN.Infrastructure;

/// <summary>A built-in role the app's managed identity is given.</summary>
/// <param name="Name">The role's name in Azure.</param>
/// <param name="DefinitionId">The role definition's GUID, the same in every subscription.</param>
/// <param name="Plane">Which authorization system defines it.</param>
public sealed record AzureRole(string Name, Guid DefinitionId, RolePlane Plane)
{
    /// <summary>
    /// Blobs, containers and user delegation keys. Owner rather than Contributor because the
    /// Functions host keeps its keys and leases in host storage with an identity, which needs it
    /// (Azure Functions "Connecting to host storage with an identity").
    /// </summary>
    public static AzureRole StorageBlobDataOwner { get; } = new("Storage Blob Data Owner", new Guid("b7e6dc6d-f1e8-4753-8033-0f276bb0955b"), RolePlane.AzureRbac);

    /// <summary>Queues and messages: Durable's control and work-item queues and FedN's intake queues.</summary>
    public static AzureRole StorageQueueDataContributor { get; } = new("Storage Queue Data Contributor", new Guid("974c5e8b-45b9-4653-ba55-5f855dd0fb88"), RolePlane.AzureRbac);

    /// <summary>Tables: Durable's history and instances tables.</summary>
    public static AzureRole StorageTableDataContributor { get; } = new("Storage Table Data Contributor", new Guid("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"), RolePlane.AzureRbac);

    /// <summary>Reads and writes items (no account, database or container management): Cosmos DB's own data-plane role.</summary>
    public static AzureRole CosmosDataContributor { get; } = new("Cosmos DB Built-in Data Contributor", new Guid("00000000-0000-0000-0000-000000000002"), RolePlane.CosmosDataPlane);
}

/// <summary>Which authorization system a role belongs to.</summary>
public enum RolePlane
{
    /// <summary>Azure RBAC (<c>Microsoft.Authorization/roleAssignments</c>).</summary>
    AzureRbac,

    /// <summary>Cosmos DB's data-plane RBAC (<c>sqlRoleAssignments</c> on the account).</summary>
    CosmosDataPlane,
}

/// <summary>What a role is granted on.</summary>
public enum RoleScope
{
    /// <summary>The storage account.</summary>
    StorageAccount,

    /// <summary>FedN's database in the Cosmos DB account (not the whole account).</summary>
    CosmosDatabase,
}

/// <summary>One role assignment for the app's system-assigned identity.</summary>
public sealed record RoleGrant(AzureRole Role, RoleScope Scope)
{
    /// <summary>
    /// The assignment's name, a GUID as Azure requires, derived from the app and the role (as
    /// Bicep's <c>guid()</c> does): the same on every <c>pulumi up</c>, so an assignment is never
    /// duplicated, and different for every app and role.
    /// </summary>
    public Guid AssignmentId(ResourceNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{names.ResourceGroup}/{names.FunctionApp}/{Role.DefinitionId}/{Scope}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 (name-based, SHA)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
