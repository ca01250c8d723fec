using FedN.Contracts;
using FedN.Core;
using FedN.Core.Safetensors;
using FedN.Storage.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FedN.Api;

/// <summary>
/// RFC 9457 problem details for every refusal: a title per status and a detail a person can act on.
/// <see cref="MapExceptions"/> turns the domain's exceptions into them, so endpoints only throw.
/// </summary>
public static class ApiProblems
{
    /// <summary>400.</summary>
    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "The request is not valid", detail);

    /// <summary>401.</summary>
    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Not authenticated", detail);

    /// <summary>403.</summary>
    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Not allowed", detail);

    /// <summary>404.</summary>
    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>409.</summary>
    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>500: a stored model's file is missing or not the one recorded (the detail names the model).</summary>
    public static IResult CorruptModel(string detail) => Problem(StatusCodes.Status500InternalServerError, "Stored model is corrupt", detail);

    /// <summary>415: the body is not of the type the route takes.</summary>
    public static IResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", detail);

    /// <summary>413.</summary>
    public static IResult TooLarge(string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "Too large", detail);

    /// <summary>Turns exceptions that endpoints of <paramref name="builder"/> throw into problems: bad arguments and malformed models 400, missing records 404, taken ids and invalid state 409.</summary>
    public static TBuilder MapExceptions<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (SafetensorsFormatException malformed)
            {
                return BadRequest($"the body is not a valid safetensors model: {malformed.Message}");
            }
            catch (ArgumentException invalid)
            {
                return BadRequest(ErrorMessages.Of(invalid));
            }
            catch (MetadataNotFoundException missing)
            {
                return NotFound(missing.Message);
            }
            catch (MetadataAlreadyExistsException taken)
            {
                return Conflict(taken.Message);
            }
            catch (InvalidOperationException state)
            {
                return Conflict(state.Message);
            }
        });
        return builder;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
