using Pulumi.AzureNative.CosmosDB.Inputs;

namespace Pulumi.AzureNative.CosmosDB
{
    public class DatabaseAccount : global::Pulumi.CustomResource
    {
        public DatabaseAccount(string name, DatabaseAccountArgs args, CustomResourceOptions? options = null)
            : base("azure-native:cosmosdb:DatabaseAccount", name, args, options) => throw Facade.NotSupported();

        public Output<string> DocumentEndpoint => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class DatabaseAccountArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? AccountName { get; set; }

        public InputList<CapabilityArgs> Capabilities { get; set; } = null!;

        public Input<ConsistencyPolicyArgs>? ConsistencyPolicy { get; set; }

        public Input<DatabaseAccountOfferType> DatabaseAccountOfferType { get; set; } = null!;

        public Input<bool>? DisableLocalAuth { get; set; }

        public Input<string>? Location { get; set; }

        public InputList<LocationArgs> Locations { get; set; } = null!;

        public Input<string> ResourceGroupName { get; set; } = null!;

        public InputMap<string> Tags { get; set; } = null!;
    }

    public class SqlResourceSqlDatabase : global::Pulumi.CustomResource
    {
        public SqlResourceSqlDatabase(string name, SqlResourceSqlDatabaseArgs args, CustomResourceOptions? options = null)
            : base("azure-native:cosmosdb:SqlResourceSqlDatabase", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class SqlResourceSqlDatabaseArgs : global::Pulumi.ResourceArgs
    {
        public Input<string> AccountName { get; set; } = null!;

        public Input<string>? DatabaseName { get; set; }

        public Input<CreateUpdateOptionsArgs>? Options { get; set; }

        public Input<SqlDatabaseResourceArgs> Resource { get; set; } = null!;

        public Input<string> ResourceGroupName { get; set; } = null!;
    }

    public class SqlResourceSqlContainer : global::Pulumi.CustomResource
    {
        public SqlResourceSqlContainer(string name, SqlResourceSqlContainerArgs args, CustomResourceOptions? options = null)
            : base("azure-native:cosmosdb:SqlResourceSqlContainer", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class SqlResourceSqlContainerArgs : global::Pulumi.ResourceArgs
    {
        public Input<string> AccountName { get; set; } = null!;

        public Input<string>? ContainerName { get; set; }

        public Input<string> DatabaseName { get; set; } = null!;

        public Input<SqlContainerResourceArgs> Resource { get; set; } = null!;

        public Input<string> ResourceGroupName { get; set; } = null!;
    }

    public class SqlResourceSqlRoleAssignment : global::Pulumi.CustomResource
    {
        public SqlResourceSqlRoleAssignment(string name, SqlResourceSqlRoleAssignmentArgs args, CustomResourceOptions? options = null)
            : base("azure-native:cosmosdb:SqlResourceSqlRoleAssignment", name, args, options) => throw Facade.NotSupported();

        public Output<string> Name => throw Facade.NotSupported();
    }

    public sealed class SqlResourceSqlRoleAssignmentArgs : global::Pulumi.ResourceArgs
    {
        public Input<string> AccountName { get; set; } = null!;

        public Input<string>? PrincipalId { get; set; }

        public Input<string> ResourceGroupName { get; set; } = null!;

        public Input<string>? RoleAssignmentId { get; set; }

        public Input<string>? RoleDefinitionId { get; set; }

        public Input<string>? Scope { get; set; }
    }

    public readonly struct DatabaseAccountOfferType
    {
        public static DatabaseAccountOfferType Standard => throw Facade.NotSupported();
    }

    public readonly struct DefaultConsistencyLevel
    {
        public static DefaultConsistencyLevel Session => throw Facade.NotSupported();
    }

    public readonly struct PartitionKind
    {
        public static PartitionKind Hash => throw Facade.NotSupported();
    }
}

namespace Pulumi.AzureNative.CosmosDB.Inputs
{
    public sealed class CapabilityArgs : global::Pulumi.ResourceArgs
    {
        public Input<string>? Name { get; set; }
    }

    public sealed class ConsistencyPolicyArgs : global::Pulumi.ResourceArgs
    {
        public Input<DefaultConsistencyLevel> DefaultConsistencyLevel { get; set; } = null!;
    }

    public sealed class LocationArgs : global::Pulumi.ResourceArgs
    {
        public Input<int>? FailoverPriority { get; set; }

        public Input<bool>? IsZoneRedundant { get; set; }

        public Input<string>? LocationName { get; set; }
    }

    public sealed class SqlDatabaseResourceArgs : global::Pulumi.ResourceArgs
    {
        public Input<string> Id { get; set; } = null!;
    }

    public sealed class CreateUpdateOptionsArgs : global::Pulumi.ResourceArgs
    {
        public Input<int>? Throughput { get; set; }
    }

    public sealed class SqlContainerResourceArgs : global::Pulumi.ResourceArgs
    {
        public Input<int>? DefaultTtl { get; set; }

        public Input<string> Id { get; set; } = null!;

        public Input<ContainerPartitionKeyArgs>? PartitionKey { get; set; }
    }

    public sealed class ContainerPartitionKeyArgs : global::Pulumi.ResourceArgs
    {
        public InputUnion<string, PartitionKind>? Kind { get; set; }

        public InputList<string> Paths { get; set; } = null!;

        public Input<int>? Version { get; set; }
    }
}
