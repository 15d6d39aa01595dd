/*{
	"DESCRIPTION": "A kaleidoscope tunnel flying forward. Where the crowd points bends it and twists it, each beat sends a ring of light outward, and the crowd's tapping packs the rings closer.",
	"CREDIT": "Tutti",
	"ISFVSN": "2",
	"CATEGORIES": ["Generator"],
	"INPUTS": [
		{ "NAME": "center", "TYPE": "point2D", "DEFAULT": [0.5, 0.5], "MIN": [0.0, 0.0], "MAX": [1.0, 1.0] },
		{ "NAME": "beat", "TYPE": "float", "DEFAULT": 0.0, "MIN": 0.0, "MAX": 1.0 },
		{ "NAME": "taps", "TYPE": "float", "DEFAULT": 0.2, "MIN": 0.0, "MAX": 1.0 },
		{ "NAME": "tint", "TYPE": "color", "DEFAULT": [0.2, 0.6, 1.0, 1.0] }
	]
}*/

// Written for Tutti; same licence as the project's (assets/LICENSE.md).

const float TAU = 6.2831853;

vec3 bright(vec3 c)
{
	c = max(c, vec3(0.02));
	return c / max(max(c.r, c.g), c.b);
}

void main()
{
	vec2 uv = isf_FragNormCoord;
	float aspect = RENDERSIZE.x / max(RENDERSIZE.y, 1.0);
	// The vanishing point follows the crowd a little; its x twists the walls.
	vec2 vp = vec2(0.5) + (center - vec2(0.5)) * 0.3;
	vec2 p = (uv - vp) * vec2(aspect, 1.0);
	float r = length(p) + 0.0001;
	float a = atan(p.y, p.x);
	float depth = 0.3 / r;
	float twist = (center.x - 0.5) * 3.0;
	float density = 3.0 + 9.0 * clamp(taps, 0.0, 1.0);

	// Six mirrored slices: a kaleidoscope, seamless at the joins.
	float ang = a + twist * depth * 0.25 + TIME * 0.05;
	float k = abs(fract(ang * 6.0 / TAU) * 2.0 - 1.0);

	// Rings rushing toward the viewer; the density changes their spacing, never their speed.
	float z = depth + TIME * 0.8;
	float rings = 0.5 + 0.5 * cos(TAU * z * density * 0.25);
	rings = rings * rings * rings * rings;
	float tiles = smoothstep(0.35, 0.5, abs(fract(k * 2.0 + z * 0.5) - 0.5));
	float walls = 0.35 * tiles + 0.65 * rings;

	vec3 base = bright(tint.rgb);
	vec3 other = mix(base.gbr, vec3(1.0, 0.85, 0.6), 0.35);
	vec3 col = mix(base, other, 0.5 + 0.5 * sin(z * 0.7 + k * 2.0)) * walls;

	// Fog: the far centre fades to black, which also hides the rings crowding there.
	col *= smoothstep(0.02, 0.35, r);

	// A beat sends one ring from the centre to the edges as its pulse decays.
	float b = clamp(beat, 0.0, 1.0);
	float front = (1.0 - b) * 1.1;
	col += mix(vec3(1.0), base, 0.4) * b * exp(-abs(r - front) * 28.0) * 0.9;
	col *= 0.85 + 0.25 * b;

	col = 1.0 - exp(-col * 1.6);
	gl_FragColor = vec4(col, 1.0);
}
