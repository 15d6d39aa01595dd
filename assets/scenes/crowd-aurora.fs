/*{
	"DESCRIPTION": "Aurora curtains over a starry night sky. The crowd's energy sets how fast they flow, the beat makes them glow, the bass makes them sway, and a colour tints them.",
	"CREDIT": "Tutti",
	"ISFVSN": "2",
	"CATEGORIES": ["Generator"],
	"INPUTS": [
		{ "NAME": "energy", "TYPE": "float", "DEFAULT": 0.3, "MIN": 0.0, "MAX": 1.0 },
		{ "NAME": "beat", "TYPE": "float", "DEFAULT": 0.0, "MIN": 0.0, "MAX": 1.0 },
		{ "NAME": "bass", "TYPE": "float", "DEFAULT": 0.0, "MIN": 0.0, "MAX": 1.0 },
		{ "NAME": "tint", "TYPE": "color", "DEFAULT": [0.25, 0.95, 0.65, 1.0] }
	]
}*/

// Written for Tutti; same licence as the project's (assets/LICENSE.md).

float hash(vec2 p)
{
	// No sin(): on some GPUs sin() of large arguments loses every digit (or gives NaN).
	vec3 q = fract(vec3(p.xyx) * 0.1031);
	q += dot(q, q.yzx + 33.33);
	return fract((q.x + q.y) * q.z);
}

float noise(vec2 p)
{
	vec2 i = floor(p);
	vec2 f = fract(p);
	vec2 u = f * f * (3.0 - 2.0 * f);
	float a = hash(i);
	float b = hash(i + vec2(1.0, 0.0));
	float c = hash(i + vec2(0.0, 1.0));
	float d = hash(i + vec2(1.0, 1.0));
	return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

float fbm(vec2 p)
{
	float v = 0.0;
	float a = 0.5;
	for (int i = 0; i < 5; i++) {
		v += a * noise(p);
		p = p * 2.03 + vec2(1.7, 9.2);
		a *= 0.5;
	}
	return v;
}

// The tint at full brightness, so a dark zone colour still lights the sky.
vec3 bright(vec3 c)
{
	c = max(c, vec3(0.02));
	return c / max(max(c.r, c.g), c.b);
}

void main()
{
	vec2 uv = isf_FragNormCoord;
	float aspect = RENDERSIZE.x / max(RENDERSIZE.y, 1.0);
	vec2 p = vec2(uv.x * aspect, uv.y);
	float e = clamp(energy, 0.0, 1.0);
	vec3 base = bright(tint.rgb);
	// The upper fringe leans toward violet, as real aurorae do.
	vec3 fringe = mix(base.brg, vec3(0.75, 0.35, 1.0), 0.5);

	vec3 col = mix(vec3(0.005, 0.01, 0.035), vec3(0.02, 0.035, 0.09), uv.y);
	float star = hash(floor(p * 220.0));
	col += vec3(0.7) * step(0.9975, star) * (0.55 + 0.45 * sin(TIME * 1.7 + star * 90.0))
		* smoothstep(0.25, 0.85, uv.y);

	// A shader has no memory to integrate a changing speed, and TIME * speed jumps when the
	// speed moves. So two flows run at fixed rates and the energy cross-fades between them.
	float slow = TIME * 0.04;
	float fast = TIME * 0.32;
	vec3 aurora = vec3(0.0);
	for (int i = 0; i < 3; i++) {
		float fi = float(i);
		vec2 q = vec2(p.x * (0.8 + 0.3 * fi) + fi * 3.1, fi * 1.7);
		float w = mix(fbm(q + vec2(slow, 0.0)), fbm(q * 1.3 + vec2(fast, 0.5)), e);
		float sway = (0.03 + 0.12 * bass) * sin(p.x * 2.5 + TIME * (0.6 + 0.4 * fi) + fi * 2.0);
		float edge = 0.38 + 0.13 * fi + (w - 0.5) * 0.5 + sway;
		float d = uv.y - edge;
		// A sharp lower hem and a long fade upward: a curtain, not a stripe.
		float curtain = d < 0.0 ? exp(-d * d * 700.0) : exp(-d * (6.0 + 2.0 * fi));
		float rays = 0.45 + 0.55 * fbm(vec2(p.x * 22.0 + fi * 7.0 + w * 4.0, TIME * 0.15 + fi));
		vec3 c = mix(base, fringe, smoothstep(0.0, 0.25, d) * 0.8);
		aurora += c * curtain * rays * (0.7 - 0.15 * fi);
	}
	float glow = 0.7 + 0.55 * clamp(beat, 0.0, 1.0) + 0.25 * e;
	col += aurora * glow;
	// Soft tone mapping: bright parts saturate gracefully instead of clipping to white.
	col = 1.0 - exp(-col * 1.5);
	gl_FragColor = vec4(col, 1.0);
}
